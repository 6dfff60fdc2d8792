"""Services: business operations on a session; they never commit."""
