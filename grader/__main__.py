from grader.cli.app import main

main()
