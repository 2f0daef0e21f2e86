"""Query modules per aggregate; `storage.store.Tx` combines them into one transaction object."""
