"""How the OpenAPI schema describes the platform's credentials (drf-spectacular extensions)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerKeyScheme(OpenApiAuthenticationExtension):
    target_class = "contacts.auth.authentication.BearerKeyAuthentication"
    name = "bearerKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "An API key: `Authorization: Bearer <key>`."}


class BasicKeyScheme(OpenApiAuthenticationExtension):
    target_class = "contacts.auth.authentication.BasicKeyAuthentication"
    name = "basicKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "basic", "description": "The key's username and the key as password."}


class HeaderKeyScheme(OpenApiAuthenticationExtension):
    target_class = "contacts.auth.authentication.HeaderKeyAuthentication"
    name = "apiKeyHeader"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "X-API-Key"}


class WsseScheme(OpenApiAuthenticationExtension):
    target_class = "contacts.auth.wsse.WsseAuthentication"
    name = "wsse"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-WSSE",
            "description": 'UsernameToken Username="..", PasswordDigest="base64(hex(sha1(Nonce + Created + key)))", '
            'Nonce="..", Created="ISO 8601"',
        }
