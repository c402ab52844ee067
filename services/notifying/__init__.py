"""Telling people: notices, outbound messages, reminders, rejections, the help centre."""
