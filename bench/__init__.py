"""The workshop benchmark (`make bench`): not part of the application package, and never imported by it."""
