"""The offline rules: what a property bag, a tag, a KMS reference, a Region or FSx's limits allow. Imports nothing
above errors (no AWS, no engine).
"""
