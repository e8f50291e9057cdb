"""A copy's life in AWS: the gateway (every FSx/KMS call), clients, slots, listings, copies, ownership. Imports only
engine, errors and rules.
"""
