"""marshmallow schemas: the API contract. The OpenAPI document is generated from them."""
