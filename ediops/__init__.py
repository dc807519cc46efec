"""ediops: the operations desk of the EDI centre (domain and engine; never imports textual)."""
