"""The legacy dialect (seed 004): REST ``/api/2.0/contacts/{id}`` and XML-RPC
``contacts.UpdateContact``/``contacts.GetContact`` at ``/api/2.0/xmlrpc``."""
