#!/usr/bin/env python3
"""PS/2 keyboard and mouse input from the monitor reaching a guest.

    test_input.py KEMU_BINARY GUEST_DIR

tests/guests/kbd.S echoes every byte it reads from the i8042 on COM1.
The expected bytes were checked against QEMU 7.2 running the same guest
with the same commands (identical output).
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_vga  # noqa: E402
from test_vga import VGAGuest  # noqa: E402


class TestInput(unittest.TestCase):
    def test_keys_and_mouse(self):
        g = VGAGuest(guest='kbd.elf')
        try:
            g.wait_ready()
            # set 2 (no translation): make 1c, break f0 1c
            self.assertEqual(g.hmp('sendkey a'), '')
            g.wait_serial('SET1\n')
            out = 'READY\nk1c kf0 k1c \nSET1\n'
            for line, more in [
                    ('sendkey a', 'k1e k9e '),
                    ('mouse_move 10 -5', 'm08 m0a m05 '),
                    ('mouse_button 1', 'm09 m00 m00 '),
                    ('mouse_button 0', 'm08 m00 m00 '),
                    # pressed in order, released in reverse
                    ('sendkey ctrl-alt-delete',
                     'k1d k38 ke0 k53 ke0 kd3 kb8 k9d '),
                    # a qnum, and pause (no break code)
                    ('sendkey 0x1e-pause 10',
                     'k1e ke1 k1d k45 ke1 k9d kc5 k9e ')]:
                self.assertEqual(g.hmp(line), '')
                out += more
                self.assertEqual(g.wait_serial(out, 10), out)
            # the same through QMP
            for cmd, args, more in [
                    ('send-key', {'keys': [{'type': 'qcode', 'data': 'b'}],
                                  'hold-time': 10}, 'k30 kb0 '),
                    ('input-send-event', {'events': [
                        {'type': 'key', 'data': {
                            'key': {'type': 'qcode', 'data': 'c'},
                            'down': True}},
                        {'type': 'key', 'data': {
                            'key': {'type': 'number', 'data': 0x2e},
                            'down': False}}]}, 'k2e kae '),
                    ('input-send-event', {'events': [
                        {'type': 'rel', 'data': {'axis': 'x', 'value': 3}},
                        {'type': 'rel', 'data': {'axis': 'y', 'value': 4}},
                        {'type': 'btn', 'data': {'button': 'right',
                                                 'down': True}}]},
                     'm2a m03 mfc ')]:
                self.assertEqual(g.qmp.cmd(cmd, args), {'return': {}})
                out += more
                self.assertEqual(g.wait_serial(out, 10), out)
            self.assertEqual(g.qmp.cmd('send-key', {'keys': [
                {'type': 'qcode', 'data': 'foo'}]}),
                {'error': {'class': 'GenericError', 'desc':
                           "Parameter 'data' does not accept value 'foo'"}})
            self.assertEqual(g.qmp.cmd('input-send-event', {'events': [
                {'type': 'bogus'}]}),
                {'error': {'class': 'GenericError', 'desc':
                           "Parameter 'type' does not accept value 'bogus'"}})
            self.assertEqual(g.hmp('sendkey foo'),
                             'invalid parameter: foo\r\n')
            self.assertEqual(g.hmp('sendkey ctrl-'),
                             'invalid parameter: \r\n')
        finally:
            g.close()


if __name__ == '__main__':
    test_vga.KEMU, test_vga.GUESTS = sys.argv[1:3]
    del sys.argv[1:3]
    unittest.main(verbosity=2)
