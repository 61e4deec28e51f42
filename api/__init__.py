"""The HTTP face of xiufu: authenticates, validates, starts and updates workflows, reads the store."""
