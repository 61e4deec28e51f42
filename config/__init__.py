"""Settings from the environment and the province's rules, authorities and sync targets as YAML data."""
