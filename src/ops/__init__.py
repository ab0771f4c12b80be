"""Tools the workflows and people run around the deployables: the local dress rehearsal
of the deploy against a moto server (``churn-rehearse``)."""
