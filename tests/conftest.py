from hypothesis import HealthCheck, settings

# Property tests check behaviour, never speed: on a slow, shared machine no example may fail on a deadline
# or on how long input generation took. Tests that give their own settings inherit these defaults.
settings.register_profile(
    "no-timing",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("no-timing")
