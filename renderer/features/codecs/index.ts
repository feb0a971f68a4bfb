import './codecs.css';
/** Codec rules (issue 16): the editor, its dialog, the top bar's way in and the rules' notices. */
export { CodecRulesDialog, CodecSaveError, DecodingButton } from './codec-rules-dialog';
export { CodecSettingsEditor, settingsProblems, withSeededRule } from './codec-settings-editor';
export { RuleProblemNotices } from './rule-problem-notices';
export { describeFormat, formatName } from './rule-model';
export { DecodedBanner, type DecodedState, PayloadImage, useDecodedPayload } from './decoded-view';
