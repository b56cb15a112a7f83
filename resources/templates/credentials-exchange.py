"""credentials-exchange: runs when a machine-to-machine client asks for an access token.

`event` describes the client and the API it wants (event.client, event.resource_server).
`api` can add custom claims or deny the token.
"""

# Auth0 drops custom claims whose name is not a URL-style namespace.
NAMESPACE = "https://example.com"


def on_execute_credentials_exchange(event, api):
    # Example: tell the API which client is calling.
    api.access_token.set_custom_claim(f"{NAMESPACE}/client_name", event.client.name)
