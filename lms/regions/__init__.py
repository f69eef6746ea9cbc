"""Regions (province > allocation unit > county) and institutions."""
