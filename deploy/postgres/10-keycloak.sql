-- First start of the stack's Postgres: Keycloak keeps its data in a database of its own.
CREATE DATABASE keycloak;
