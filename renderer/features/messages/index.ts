// What other features may use of the messages feature (History lists messages the same way).
export { MessageCells } from './message-cells';
