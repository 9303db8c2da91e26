// placeholder: replaced by the certs implementation
