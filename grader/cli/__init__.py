"""The grader's commands, one module per audience; app.py puts them together."""
