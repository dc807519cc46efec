"""The centre's calls to its peers: the one HTTP client and each peer's exchanges."""
