"""Exams: question bank, papers, attempts, practical assessments."""
