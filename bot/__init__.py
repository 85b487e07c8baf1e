"""Runtime wiring of Vraagbaak: launcher, channels, NLU additions, stores."""
