from depguard.entry import main

main()
