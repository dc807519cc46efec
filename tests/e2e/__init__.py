"""End-to-end: the real program in a real terminal (tmux) and through a real sshd."""
