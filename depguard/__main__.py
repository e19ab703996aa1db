from depguard.cli import main

main()
