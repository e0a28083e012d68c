"""Pictures for easy-read screens, built from OpenMoji (CC BY-SA 4.0)."""
