"""The one periodic command, `koppel send_reminders`: it calls into every data app, so it sits above them."""
