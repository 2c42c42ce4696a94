from analogylab.cli import main
import sys
sys.exit(main())
