from landrules.entry import main

main()
