"""`python -m grader`: the same CLI as the `grader` command."""

from grader.cli.app import main

if __name__ == "__main__":  # importing the module (e.g. to walk the package) must not run the CLI
    main()
