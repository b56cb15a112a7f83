"""Authentication endpoints (Auth0's request and response shapes) that fire the triggers."""
