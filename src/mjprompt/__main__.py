"""``python -m mjprompt``."""

from .cli import main

raise SystemExit(main())
