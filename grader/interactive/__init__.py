"""Learners' front ends beyond a single command: watch mode and notebook checks."""
