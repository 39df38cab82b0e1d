"""Community of practice: live sessions a facilitator runs in front of a room.

- :mod:`abitare.practice.worksheets`: the worksheet format and the answers it accepts;
- :mod:`abitare.practice.sessions`: open a session, join it with a code, save answers;
- :mod:`abitare.practice.room`: what the room sees (reveal, moderation, timers, projection);
- :mod:`abitare.practice.ideas`: the ideas wall and the questions, with votes;
- :mod:`abitare.practice.roomcase`: a case simulation played by the whole room;
- :mod:`abitare.practice.synthesis`: what the answers add up to, and the exports;
- :mod:`abitare.practice.wordcloud`, :mod:`abitare.practice.joinqr`: the word cloud and the
  QR code that opens the session on a phone.
"""
