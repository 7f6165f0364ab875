"""The local sandbox marketplace: simulated orders rendered in each platform's API shapes."""
