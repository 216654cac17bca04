"""The process engine: worker processes, their sandbox and kernel walls, the wire between them and
the grader, step clocks, zygotes, pools, live workers and the check daemon.

It runs whatever targets it is given and reports what each call returned or raised. It knows
nothing about courses, problems or verdicts: nothing here imports grader.course, grader.grading
or anything above them (checked by import-linter, see pyproject.toml).
"""
