"""The grader's commands, one module per audience; grader/cli.py puts them together."""
