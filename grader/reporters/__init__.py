"""Reporters read results and render them; they never run or judge anything."""
