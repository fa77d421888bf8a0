from corptui.cli import main

main()
