"""The JSON API v1: personal access tokens, schemas that validate and document, resources."""
