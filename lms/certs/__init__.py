"""Certificates: numbering, signing, PDF rendering, print jobs and verification."""
