"""The provider process and the engine: serving, progress, the SDK's internals relied on, waiting and the process-
wide cancel. Imports only errors and rules.
"""
