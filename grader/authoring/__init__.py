"""Instructors' tools: validate a course (cheat probes, mutants), scaffold a problem, export a
learner version."""
