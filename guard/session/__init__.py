"""Live remote sessions: is someone connected to this computer through a running tool now?"""
