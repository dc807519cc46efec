"""Read models for the desk: what the home screen and its header show."""
