"""Who is acting and what they may do: the OS user, their role, and the audit of every action."""
