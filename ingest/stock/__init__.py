"""Stock intake: a warehouse's stock feed (feed.py) and stock files (upload.py) into the inventory tables."""
