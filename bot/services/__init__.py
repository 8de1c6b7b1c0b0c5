"""Services: the network's rules, over repositories, in the caller's unit of work."""
