"""The 2002 notice: inspection bureaus' reports, their rules and the desk's view of them."""
