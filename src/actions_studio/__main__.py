from actions_studio.cli import main

main()
