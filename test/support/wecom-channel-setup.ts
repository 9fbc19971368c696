/** The jest project "chat-wecom": the chat tests run over PuppetWecomApp and the fake WeCom server. */
process.env.SHENFA_TEST_CHAT_CHANNEL = 'wecom';
