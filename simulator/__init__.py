"""Simulators of systems outside our reach. Development and tests only; never deployed."""
